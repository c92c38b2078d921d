-- case: two new tables that name each other: keys added once both exist
-- @@ current

-- @@ desired
CREATE TABLE `a` (`id` int PRIMARY KEY, `b_id` int, CONSTRAINT `fk_a_b` FOREIGN KEY (`b_id`) REFERENCES `b` (`id`));
CREATE TABLE `b` (`id` int PRIMARY KEY, `a_id` int, CONSTRAINT `fk_b_a` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`));
-- @@ plan
CREATE TABLE `a` (
  `id` int NOT NULL,
  `b_id` int NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_a_b` (`b_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TABLE `b` (
  `id` int NOT NULL,
  `a_id` int NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_b_a` (`a_id`),
  CONSTRAINT `fk_b_a` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
ALTER TABLE `a`
  ADD CONSTRAINT `fk_a_b` FOREIGN KEY (`b_id`) REFERENCES `b` (`id`);
