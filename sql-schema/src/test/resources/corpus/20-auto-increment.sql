-- case: an id becomes AUTO_INCREMENT
-- @@ current
CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`));
-- @@ desired
CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`));
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `id` int NOT NULL AUTO_INCREMENT;
