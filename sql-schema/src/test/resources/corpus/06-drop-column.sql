-- case: a column dropped (guarded)
-- destructive: drop-column
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `legacy` varchar(20));
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY);
-- @@ plan
ALTER TABLE `t`
  DROP COLUMN `legacy`;
