-- case: new tables are created after the tables their foreign keys name
-- @@ current

-- @@ desired
CREATE TABLE `a_child` (`id` int PRIMARY KEY, `parent_id` int NOT NULL, KEY `ix_parent` (`parent_id`), CONSTRAINT `fk_child_parent` FOREIGN KEY (`parent_id`) REFERENCES `z_parent` (`id`) ON DELETE CASCADE);
CREATE TABLE `z_parent` (`id` int PRIMARY KEY);
-- @@ plan
CREATE TABLE `z_parent` (
  `id` int NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TABLE `a_child` (
  `id` int NOT NULL,
  `parent_id` int NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_parent` (`parent_id`),
  CONSTRAINT `fk_child_parent` FOREIGN KEY (`parent_id`) REFERENCES `z_parent` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
