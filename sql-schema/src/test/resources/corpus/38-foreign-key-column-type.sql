-- case: a column under a foreign key changes type: the key is dropped first and added back
-- @@ current
CREATE TABLE `users` (`id` int NOT NULL PRIMARY KEY);
CREATE TABLE `orders` (`id` int PRIMARY KEY, `user_id` int NOT NULL, CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`));
-- @@ desired
CREATE TABLE `users` (`id` bigint NOT NULL PRIMARY KEY);
CREATE TABLE `orders` (`id` int PRIMARY KEY, `user_id` bigint NOT NULL, CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`));
-- @@ plan
ALTER TABLE `orders`
  DROP FOREIGN KEY `fk_orders_user`;
ALTER TABLE `orders`
  MODIFY COLUMN `user_id` bigint NOT NULL;
ALTER TABLE `users`
  MODIFY COLUMN `id` bigint NOT NULL;
ALTER TABLE `orders`
  ADD CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`);
