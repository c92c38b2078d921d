-- case: a table dropped after the foreign key that names it
-- destructive: drop-column, drop-table
-- @@ current
CREATE TABLE `country` (`id` int PRIMARY KEY);
CREATE TABLE `city` (`id` int PRIMARY KEY, `country_id` int, CONSTRAINT `fk_city_country` FOREIGN KEY (`country_id`) REFERENCES `country` (`id`));
-- @@ desired
CREATE TABLE `city` (`id` int PRIMARY KEY);
-- @@ plan
ALTER TABLE `city`
  DROP FOREIGN KEY `fk_city_country`;
ALTER TABLE `city`
  DROP INDEX `fk_city_country`,
  DROP COLUMN `country_id`;
DROP TABLE `country`;
