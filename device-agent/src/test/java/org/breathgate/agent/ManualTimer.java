package org.breathgate.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.breathgate.agent.clock.AgentTimer;

/** An {@link AgentTimer} the test moves by hand: tasks run, in order, when the test advances past their time. */
public final class ManualTimer implements AgentTimer {

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long order;

    private final class Task implements Scheduled {
        final long due;
        final long seq = order++;
        final Runnable run;
        boolean cancelled;

        Task(long due, Runnable run) {
            this.due = due;
            this.run = run;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public Scheduled after(Duration delay, Runnable task) {
        Task t = new Task(now + delay.toMillis(), task);
        tasks.add(t);
        return t;
    }

    /** Moves time on by {@code d}, running each task that comes due (tasks it schedules run too, if due). */
    public void advance(Duration d) {
        long until = now + d.toMillis();
        while (true) {
            Task next = tasks.stream().filter(t -> !t.cancelled && t.due <= until)
                    .min(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = next.due;
            next.run.run();
        }
        now = until;
    }

    /** Tasks waiting (not cancelled). */
    public long waiting() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }
}
