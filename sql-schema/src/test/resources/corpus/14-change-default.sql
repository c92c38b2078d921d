-- case: a changed literal default
-- @@ current
CREATE TABLE `t` (`status` varchar(10) NOT NULL DEFAULT 'new', `n` int DEFAULT 1);
-- @@ desired
CREATE TABLE `t` (`status` varchar(10) NOT NULL DEFAULT 'open', `n` int DEFAULT '2');
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `status` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'open',
  MODIFY COLUMN `n` int NULL DEFAULT 2;
