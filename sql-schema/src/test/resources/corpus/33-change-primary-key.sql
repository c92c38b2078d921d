-- case: a different primary key (guarded)
-- destructive: change-primary-key
-- @@ current
CREATE TABLE `t` (`a` int NOT NULL, `b` int NOT NULL, PRIMARY KEY (`a`));
-- @@ desired
CREATE TABLE `t` (`a` int NOT NULL, `b` int NOT NULL, PRIMARY KEY (`a`, `b`));
-- @@ plan
ALTER TABLE `t`
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (`a`, `b`);
