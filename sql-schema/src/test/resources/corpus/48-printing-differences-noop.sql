-- case: what MariaDB and MySQL print differently diffs to nothing
-- @@ current
CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `n` tinyint(4) DEFAULT '0',
  `d` decimal(10,2) DEFAULT '1.5',
  `s` varchar(10) CHARACTER SET utf8 DEFAULT 'x',
  `ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `p` int DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `p` (`p`),
  CONSTRAINT `t_ibfk_1` FOREIGN KEY (`p`) REFERENCES `t` (`id`) ON DELETE NO ACTION
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
-- @@ desired
CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  n TINYINT DEFAULT 0,
  d DECIMAL(10,2) DEFAULT 1.50,
  s VARCHAR(10) CHARSET utf8mb3 COLLATE utf8mb3_general_ci DEFAULT 'x',
  ts TIMESTAMP NOT NULL DEFAULT current_timestamp() ON UPDATE now(),
  p INT,
  FOREIGN KEY (p) REFERENCES t (id)
);
-- @@ plan

