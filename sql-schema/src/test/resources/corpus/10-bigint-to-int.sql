-- case: bigint to int narrows (guarded)
-- destructive: narrow-type
-- @@ current
CREATE TABLE `t` (`n` bigint NOT NULL);
-- @@ desired
CREATE TABLE `t` (`n` int NOT NULL);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `n` int NOT NULL;
