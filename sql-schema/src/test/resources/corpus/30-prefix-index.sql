-- case: prefix lengths are part of an index
-- @@ current
CREATE TABLE `t` (`title` varchar(255), `body` text, KEY `ix_title` (`title`(10)));
-- @@ desired
CREATE TABLE `t` (`title` varchar(255), `body` text, KEY `ix_title` (`title`(20)), KEY `ix_body` (`body`(50)));
-- @@ plan
ALTER TABLE `t`
  DROP INDEX `ix_title`,
  ADD KEY `ix_body` (`body`(50)),
  ADD KEY `ix_title` (`title`(20));
