-- case: a column's character set changes (guarded)
-- destructive: change-charset
-- @@ current
CREATE TABLE `t` (`name` varchar(20) CHARACTER SET latin1);
-- @@ desired
CREATE TABLE `t` (`name` varchar(20) CHARACTER SET utf8mb4);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL;
