-- case: int to bigint widens
-- @@ current
CREATE TABLE `t` (`n` int(11) NOT NULL);
-- @@ desired
CREATE TABLE `t` (`n` bigint NOT NULL);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `n` bigint NOT NULL;
