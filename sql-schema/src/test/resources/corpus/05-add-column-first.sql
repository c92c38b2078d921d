-- case: a column added first
-- @@ current
CREATE TABLE `t` (`a` int);
-- @@ desired
CREATE TABLE `t` (`z` int, `a` int);
-- @@ plan
ALTER TABLE `t`
  ADD COLUMN `z` int NULL DEFAULT NULL FIRST;
