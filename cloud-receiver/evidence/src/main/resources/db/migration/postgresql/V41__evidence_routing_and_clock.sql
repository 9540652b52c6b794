-- Routing never costs evidence, and time is checked at the door (issue 16; docs/receiver.md, "What happens to a message").
-- arrived_topic: the topic a verified event first arrived on when that was not its own type's topic (its signed type decides
--                where it is stored); null when it arrived where it belongs.
-- misrouted:     how many times its exact signed bytes arrived on another topic than their own (the first time included).
-- clock_check:   null when the device's clock agreed with the receiver's at arrival; else why it was not believed
--                (e.g. 'ahead: device clock 21600 s ahead of the receiver'): such an event is filed by its receive time.
alter table evidence add column arrived_topic varchar(512);
alter table evidence add column misrouted integer not null default 0;
alter table evidence add column clock_check varchar(500);
