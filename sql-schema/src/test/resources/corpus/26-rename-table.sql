-- case: an explicit table rename keeps the data
-- @@ current
CREATE TABLE `customer` (`id` int PRIMARY KEY);
-- @@ desired
-- @renamed from=customer
CREATE TABLE `customers` (`id` int PRIMARY KEY, `since` date);
-- @@ plan
RENAME TABLE `customer` TO `customers`;
ALTER TABLE `customers`
  ADD COLUMN `since` date NULL DEFAULT NULL AFTER `id`;
