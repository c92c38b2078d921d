-- case: a foreign key dropped before the column it stands on
-- destructive: drop-column
-- @@ current
CREATE TABLE `users` (`id` int PRIMARY KEY);
CREATE TABLE `orders` (`id` int PRIMARY KEY, `user_id` int, CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`));
-- @@ desired
CREATE TABLE `users` (`id` int PRIMARY KEY);
CREATE TABLE `orders` (`id` int PRIMARY KEY);
-- @@ plan
ALTER TABLE `orders`
  DROP FOREIGN KEY `fk_orders_user`;
ALTER TABLE `orders`
  DROP INDEX `fk_orders_user`,
  DROP COLUMN `user_id`;
