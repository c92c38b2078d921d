-- case: more precision, same scale
-- @@ current
CREATE TABLE `t` (`price` decimal(8,2) NOT NULL DEFAULT 0);
-- @@ desired
CREATE TABLE `t` (`price` decimal(12,2) NOT NULL DEFAULT '0');
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `price` decimal(12,2) NOT NULL DEFAULT 0.00;
