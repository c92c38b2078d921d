-- case: a new name without @renamed is a drop plus an add (guarded)
-- destructive: drop-column
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `nm` varchar(20));
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY, `name` varchar(20));
-- @@ plan
ALTER TABLE `t`
  DROP COLUMN `nm`,
  ADD COLUMN `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL AFTER `id`;
