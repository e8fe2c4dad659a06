package dev.cryptobench.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BaselineJobTest {

    /** A loop that runs until stopped, then ends with 0, as a consumer loop does after a signal. */
    private static Callable<Integer> untilStopped(CountDownLatch stop, AtomicInteger ran) {
        return () -> {
            ran.incrementAndGet();
            stop.await();
            return 0;
        };
    }

    @Test
    @Timeout(10)
    void runs_every_loop_on_its_own_thread_at_once() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch allStarted = new CountDownLatch(3);
        Callable<Integer> loop = () -> {
            allStarted.countDown();
            stop.await();
            return 0;
        };
        Thread stopper = new Thread(() -> {
            try {
                // Only reached when three loops run at the same time.
                if (allStarted.await(5, TimeUnit.SECONDS)) {
                    stop.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        assertEquals(0, BaselineJob.runAll(List.of(loop, loop, loop), stop::countDown));
        assertEquals(0, allStarted.getCount());
    }

    @Test
    @Timeout(10)
    void a_thread_that_fails_stops_the_others_and_gives_the_job_its_exit_code() {
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Callable<Integer> failing = () -> 3;
        int exitCode = BaselineJob.runAll(
                List.of(untilStopped(stop, ran), failing, untilStopped(stop, ran)), stop::countDown);
        assertEquals(3, exitCode);
        assertEquals(0, stop.getCount());
    }

    @Test
    @Timeout(10)
    void a_thread_that_throws_ends_the_job_with_a_failure() {
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Callable<Integer> throwing = () -> {
            throw new IllegalStateException("boom");
        };
        assertEquals(1, BaselineJob.runAll(List.of(throwing, untilStopped(stop, ran)), stop::countDown));
    }

    @Test
    void counts_the_threads_kafka_leaves_without_a_partition() {
        assertEquals(0, BaselineJob.idleThreads(2, 6));
        assertEquals(0, BaselineJob.idleThreads(3, 3));
        assertEquals(1, BaselineJob.idleThreads(4, 3));
        assertTrue(BaselineJob.idleThreads(1, 0) == 1);
    }

    @Test
    void names_each_consumer_thread_in_its_log_lines() {
        assertEquals("consumer 1/2", ConsumerLoop.threadName(0, 2));
        assertEquals("consumer 2/2", ConsumerLoop.threadName(1, 2));
    }
}
