-- case: a longer varchar is safe
-- @@ current
CREATE TABLE `t` (`name` varchar(20) NOT NULL);
-- @@ desired
CREATE TABLE `t` (`name` varchar(200) NOT NULL);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `name` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL;
