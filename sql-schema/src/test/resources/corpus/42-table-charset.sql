-- case: a table's default character set changes (guarded), and with it its columns
-- destructive: change-charset
-- @@ current
CREATE TABLE `t` (`name` varchar(20)) DEFAULT CHARSET=latin1;
-- @@ desired
CREATE TABLE `t` (`name` varchar(20)) DEFAULT CHARSET=utf8mb4;
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL,
  DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
