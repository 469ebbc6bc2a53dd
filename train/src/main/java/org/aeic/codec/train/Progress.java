package org.aeic.codec.train;

import java.io.PrintStream;

/** A one-line progress bar: step, steps/s, samples/s, smoothed loss, bpp and PSNR, ETA. */
final class Progress {
    private final PrintStream out;
    private final long total;
    private final long first;
    private final int batch;
    private final boolean tty = System.console() != null;
    private final long start = System.nanoTime();
    private long lastPrint;
    private double loss = Double.NaN, bpp, mse;

    Progress(PrintStream out, long total, long first, int batch) {
        this.out = out;
        this.total = total;
        this.first = first;
        this.batch = batch;
    }

    void update(long step, Trainer.Stats s) {
        double a = 0.02;
        if (Double.isNaN(loss)) {
            loss = s.loss();
            bpp = s.bpp();
            mse = s.mse();
        } else {
            loss += a * (s.loss() - loss);
            bpp += a * (s.bpp() - bpp);
            mse += a * (s.mse() - mse);
        }
        long now = System.nanoTime();
        if (now - lastPrint < (tty ? 1_000_000_000L : 30_000_000_000L) && step < total) {
            return;
        }
        lastPrint = now;
        double secs = (now - start) / 1e9;
        double rate = (step - first) / Math.max(secs, 1e-9);
        long eta = (long) ((total - step) / Math.max(rate, 1e-9));
        int width = 24;
        int filled = (int) (width * step / Math.max(total, 1));
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = String.format("[%s] step %d/%d  %.2f step/s  %.1f samples/s  loss %.4f  bpp %.4f  PSNR %.2f dB  ETA %dh%02dm%02ds",
                bar, step, total, rate, rate * batch, loss, bpp, 10 * Math.log10(1 / Math.max(mse, 1e-12)),
                eta / 3600, eta / 60 % 60, eta % 60);
        out.print(tty ? "\r" + line : line + "\n");
        out.flush();
    }

    void done() {
        if (tty) {
            out.println();
        }
    }
}
