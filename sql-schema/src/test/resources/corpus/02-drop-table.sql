-- case: a table the desired schema no longer has is dropped (guarded)
-- destructive: drop-table
-- @@ current
CREATE TABLE `keep` (`id` int PRIMARY KEY);
CREATE TABLE `old_audit` (`id` int PRIMARY KEY, `note` text);
-- @@ desired
CREATE TABLE `keep` (`id` int PRIMARY KEY);
-- @@ plan
DROP TABLE `old_audit`;
