-- case: a shorter varchar is narrowing (guarded)
-- destructive: narrow-type
-- @@ current
CREATE TABLE `t` (`name` varchar(200) NOT NULL);
-- @@ desired
CREATE TABLE `t` (`name` varchar(20) NOT NULL);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL;
