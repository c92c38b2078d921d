-- case: NULL to NOT NULL on a column that holds no NULLs is safe
-- data: INSERT INTO t VALUES (1, 'a'), (2, 'b')
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `name` varchar(20) NULL);
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY, `name` varchar(20) NOT NULL);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL;
