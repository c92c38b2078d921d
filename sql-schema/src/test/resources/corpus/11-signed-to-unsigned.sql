-- case: signed to unsigned loses the negatives (guarded)
-- destructive: narrow-type
-- @@ current
CREATE TABLE `t` (`n` int NOT NULL);
-- @@ desired
CREATE TABLE `t` (`n` int unsigned NOT NULL);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `n` int unsigned NOT NULL;
