-- case: a new table whose foreign key names itself
-- @@ current

-- @@ desired
CREATE TABLE `node` (`id` int PRIMARY KEY, `parent_id` int, KEY `ix_parent` (`parent_id`), CONSTRAINT `fk_node_parent` FOREIGN KEY (`parent_id`) REFERENCES `node` (`id`));
-- @@ plan
CREATE TABLE `node` (
  `id` int NOT NULL,
  `parent_id` int NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_parent` (`parent_id`),
  CONSTRAINT `fk_node_parent` FOREIGN KEY (`parent_id`) REFERENCES `node` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
