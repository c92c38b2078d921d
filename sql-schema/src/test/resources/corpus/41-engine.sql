-- case: a MyISAM table moves to InnoDB (guarded)
-- destructive: change-engine
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY) ENGINE=MyISAM;
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY) ENGINE=InnoDB;
-- @@ plan
ALTER TABLE `t`
  ENGINE=InnoDB;
