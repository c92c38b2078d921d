-- case: a unique index added
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `email` varchar(100));
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY, `email` varchar(100), UNIQUE KEY `uq_email` (`email`));
-- @@ plan
ALTER TABLE `t`
  ADD UNIQUE KEY `uq_email` (`email`);
