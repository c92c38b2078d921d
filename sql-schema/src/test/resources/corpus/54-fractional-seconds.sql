-- case: fewer fractional seconds narrow (guarded)
-- destructive: narrow-type
-- @@ current
CREATE TABLE `t` (`at` datetime(6));
-- @@ desired
CREATE TABLE `t` (`at` datetime);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `at` datetime NULL DEFAULT NULL;
