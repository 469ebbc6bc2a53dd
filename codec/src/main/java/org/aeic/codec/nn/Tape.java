package org.aeic.codec.nn;

import java.util.ArrayDeque;

/** What the forward pass of one sample saves for its backward pass (a stack: last in, first out). */
public final class Tape {
    private final ArrayDeque<Object> stack = new ArrayDeque<>();

    public void push(Object o) {
        stack.push(o);
    }

    @SuppressWarnings("unchecked")
    public <T> T pop() {
        return (T) stack.pop();
    }

    public boolean isEmpty() {
        return stack.isEmpty();
    }
}
