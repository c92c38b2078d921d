-- case: an index whose column order changes is rebuilt
-- @@ current
CREATE TABLE `t` (`a` int, `b` int, KEY `ix_ab` (`a`, `b`));
-- @@ desired
CREATE TABLE `t` (`a` int, `b` int, KEY `ix_ab` (`b`, `a`));
-- @@ plan
ALTER TABLE `t`
  DROP INDEX `ix_ab`,
  ADD KEY `ix_ab` (`b`, `a`);
