-- case: less scale narrows (guarded)
-- destructive: narrow-type
-- @@ current
CREATE TABLE `t` (`price` decimal(10,4));
-- @@ desired
CREATE TABLE `t` (`price` decimal(10,2));
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `price` decimal(10,2) NULL DEFAULT NULL;
