-- case: NOT NULL to NULL is safe
-- @@ current
CREATE TABLE `t` (`name` varchar(20) NOT NULL);
-- @@ desired
CREATE TABLE `t` (`name` varchar(20));
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL;
