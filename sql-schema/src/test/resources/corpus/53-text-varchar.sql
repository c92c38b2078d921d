-- case: varchar to text widens; text to varchar narrows (guarded)
-- destructive: narrow-type
-- @@ current
CREATE TABLE `t` (`a` varchar(100), `b` text);
-- @@ desired
CREATE TABLE `t` (`a` text, `b` varchar(100));
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `a` text CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL,
  MODIFY COLUMN `b` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL;
