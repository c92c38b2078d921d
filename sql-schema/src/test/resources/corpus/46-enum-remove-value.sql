-- case: an enum value removed narrows (guarded)
-- destructive: narrow-type
-- @@ current
CREATE TABLE `t` (`state` enum('new','done','failed') NOT NULL DEFAULT 'new');
-- @@ desired
CREATE TABLE `t` (`state` enum('new','done') NOT NULL DEFAULT 'new');
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `state` enum('new','done') CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'new';
