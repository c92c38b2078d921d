-- case: a foreign key added to existing tables, after the column it needs
-- @@ current
CREATE TABLE `users` (`id` int PRIMARY KEY);
CREATE TABLE `orders` (`id` int PRIMARY KEY);
-- @@ desired
CREATE TABLE `users` (`id` int PRIMARY KEY);
CREATE TABLE `orders` (`id` int PRIMARY KEY, `user_id` int, CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`));
-- @@ plan
ALTER TABLE `orders`
  ADD COLUMN `user_id` int NULL DEFAULT NULL AFTER `id`,
  ADD KEY `fk_orders_user` (`user_id`);
ALTER TABLE `orders`
  ADD CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`);
