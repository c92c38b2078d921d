-- case: an explicit column rename keeps the data
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `nm` varchar(20), KEY `ix_nm` (`nm`));
-- @@ desired
CREATE TABLE `t` (
  `id` int PRIMARY KEY,
  `name` varchar(40), -- @renamed from=nm
  KEY `ix_nm` (`name`)
);
-- @@ plan
ALTER TABLE `t`
  CHANGE COLUMN `nm` `name` varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL;
