-- case: a foreign key's actions change: dropped and added back
-- @@ current
CREATE TABLE `users` (`id` int PRIMARY KEY);
CREATE TABLE `orders` (`id` int PRIMARY KEY, `user_id` int, CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`));
-- @@ desired
CREATE TABLE `users` (`id` int PRIMARY KEY);
CREATE TABLE `orders` (`id` int PRIMARY KEY, `user_id` int, CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE);
-- @@ plan
ALTER TABLE `orders`
  DROP FOREIGN KEY `fk_orders_user`;
ALTER TABLE `orders`
  ADD CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;
