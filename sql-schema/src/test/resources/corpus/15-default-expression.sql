-- case: an expression default
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `due` date);
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY, `due` date DEFAULT (curdate() + interval 7 day), `code` varchar(20) DEFAULT (concat('c-', 1)));
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `due` date NULL DEFAULT (curdate() + interval 7 day),
  ADD COLUMN `code` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT (concat('c-',1)) AFTER `due`;
