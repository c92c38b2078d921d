-- case: reserved words as table, column and index names
-- @@ current
CREATE TABLE `select` (`from` int, `order` int);
-- @@ desired
CREATE TABLE `select` (`from` int, `order` bigint, `group` varchar(10), KEY `key` (`order`, `group`));
CREATE TABLE `table` (`where` bigint PRIMARY KEY, `desc` varchar(5), CONSTRAINT `references` FOREIGN KEY (`where`) REFERENCES `select` (`order`));
-- @@ plan
ALTER TABLE `select`
  MODIFY COLUMN `order` bigint NULL DEFAULT NULL,
  ADD COLUMN `group` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL AFTER `order`,
  ADD KEY `key` (`order`, `group`);
CREATE TABLE `table` (
  `where` bigint NOT NULL,
  `desc` varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL,
  PRIMARY KEY (`where`),
  CONSTRAINT `references` FOREIGN KEY (`where`) REFERENCES `select` (`order`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
