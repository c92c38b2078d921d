-- case: a column added between two others
-- @@ current
CREATE TABLE `t` (`a` int, `c` int);
-- @@ desired
CREATE TABLE `t` (`a` int, `b` varchar(10) NOT NULL DEFAULT 'x', `c` int);
-- @@ plan
ALTER TABLE `t`
  ADD COLUMN `b` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'x' AFTER `a`;
