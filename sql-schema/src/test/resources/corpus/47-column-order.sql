-- case: a column moved
-- @@ current
CREATE TABLE `t` (`a` int, `b` int, `c` int);
-- @@ desired
CREATE TABLE `t` (`c` int, `a` int, `b` int);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `c` int NULL DEFAULT NULL FIRST;
