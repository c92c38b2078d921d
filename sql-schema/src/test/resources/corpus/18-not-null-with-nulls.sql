-- case: NULL to NOT NULL on a column with NULLs: guarded, and filled first when allowed
-- destructive: null-to-not-null
-- data: INSERT INTO t VALUES (1, NULL, NULL), (2, 'b', 3)
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `name` varchar(20) NULL, `n` int NULL);
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY, `name` varchar(20) NOT NULL DEFAULT 'unknown', `n` int NOT NULL);
-- @@ plan
UPDATE `t` SET `name` = 'unknown' WHERE `name` IS NULL;
UPDATE `t` SET `n` = 0 WHERE `n` IS NULL;
ALTER TABLE `t`
  MODIFY COLUMN `name` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'unknown',
  MODIFY COLUMN `n` int NOT NULL;
