-- case: CREATE INDEX statements join their table
-- @@ current
CREATE TABLE `t` (`a` int, `b` varchar(50));
-- @@ desired
CREATE TABLE `t` (`a` int, `b` varchar(50));
CREATE UNIQUE INDEX `uq_b` ON `t` (`b`(20));
CREATE INDEX `ix_a` ON `t` (`a`) COMMENT 'lookups by a';
-- @@ plan
ALTER TABLE `t`
  ADD KEY `ix_a` (`a`) COMMENT 'lookups by a',
  ADD UNIQUE KEY `uq_b` (`b`(20));
