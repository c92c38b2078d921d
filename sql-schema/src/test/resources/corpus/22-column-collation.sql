-- case: a collation within the same character set is not destructive
-- @@ current
CREATE TABLE `t` (`name` varchar(20));
-- @@ desired
CREATE TABLE `t` (`name` varchar(20) COLLATE utf8mb4_bin);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT NULL;
