package org.aeic.server;

import java.util.function.BooleanSupplier;

/**
 * Bytes of heap that requests may hold at once: bodies while they are read and wait, images while they are coded.
 * A reservation is an estimate made before the memory is allocated; so the heap the server's requests use stays
 * under the budget whatever the mix of requests, and an image that could never fit is refused at once.
 */
final class MemoryBudget {
    private final long capacity;
    private long used;

    MemoryBudget(long capacity) {
        this.capacity = capacity;
    }

    long capacity() {
        return capacity;
    }

    synchronized long used() {
        return used;
    }

    /** Reserves {@code n} bytes if they are free now. */
    synchronized boolean tryReserve(long n) {
        if (n > capacity - used) {
            return false;
        }
        used += n;
        return true;
    }

    /**
     * Reserves {@code n} bytes (at most the capacity), waiting while other requests hold them; gives up and returns
     * false once {@code keepGoing} says so. Called on a worker thread, never on an event loop.
     */
    synchronized boolean reserve(long n, BooleanSupplier keepGoing) throws InterruptedException {
        if (n > capacity) {
            throw new IllegalArgumentException(n + " bytes can never fit a budget of " + capacity);
        }
        while (n > capacity - used) {
            if (!keepGoing.getAsBoolean()) {
                return false;
            }
            wait(50); // re-checks keepGoing (deadline, client gone) at least this often
        }
        used += n;
        return true;
    }

    synchronized void release(long n) {
        used -= n;
        notifyAll();
    }
}
