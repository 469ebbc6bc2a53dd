package org.aeic.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.aeic.codec.AeicDecoder;
import org.aeic.codec.DecodeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at / in a real browser: Debian's headless Chromium driven by Selenium through chromedriver.
 * Skipped where they are not installed (server/ci/install-browser.sh installs them).
 */
@ExtendWith(VertxExtension.class)
class PageBrowserTest {
    /** Overridable (-Daeic.test.chromium=...) to try other builds, or to check the skip. */
    static final Path CHROMIUM = Path.of(System.getProperty("aeic.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("aeic.test.chromedriver", "/usr/bin/chromedriver"));

    static final String TOKEN = "page-token";
    static AeicServer server;
    static WebDriver driver;
    static Path profile;
    static Path work;

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Each test reports itself skipped, with the reason, where the browser is missing. */
    @BeforeEach
    void needsBrowser() {
        assumeTrue(browserInstalled(), "browser test skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                + " is missing (run server/ci/install-browser.sh)");
    }

    @BeforeAll
    static void start() throws Exception {
        if (!browserInstalled()) {
            return;
        }
        profile = Files.createTempDirectory("aeic-chromium-profile");
        work = Files.createTempDirectory("aeic-page-test");
        server = TestSupport.start(TestSupport.config(), new AeicServer.StoreSettings(
                new org.aeic.server.store.DirectoryStore(work.resolve("store")), TOKEN, 16L << 20));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            TestSupport.stop(server);
            for (Path dir : new Path[] {profile, work}) {
                if (dir != null) {
                    try (Stream<Path> s = Files.walk(dir)) {
                        s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                    }
                }
            }
        }
    }

    private static String text(String id) {
        return driver.findElement(By.id(id)).getText().strip();
    }

    /** Waits for the page to finish (or fail) and returns its status text. */
    private static String awaitResult() {
        new WebDriverWait(driver, Duration.ofSeconds(90)).until(d -> {
            String state = d.findElement(By.id("status")).getDomAttribute("data-state");
            return "done".equals(state) || "error".equals(state);
        });
        String state = driver.findElement(By.id("status")).getDomAttribute("data-state");
        assertEquals("done", state, () -> "page says: " + text("status"));
        return text("status");
    }

    @Test
    void beforeAnyUploadNoCardsImagesOrDownload() {
        driver.get("http://127.0.0.1:" + server.port() + "/");
        JavascriptExecutor js = (JavascriptExecutor) driver;
        // #results is a grid in the style sheet: `hidden` must still win
        assertEquals("none", js.executeScript(
                "return getComputedStyle(document.getElementById('results')).display;"));
        for (String id : List.of("results", "original-img", "aeic-img", "jpeg-img", "download")) {
            assertFalse(driver.findElement(By.id(id)).isDisplayed(), id + " is shown before any upload");
        }
        assertEquals("Choose an image.", text("status"));
    }

    @Test
    void chooseAnImageAndCompareWithJpeg() throws Exception {
        Path png = work.resolve("photo.png");
        Files.write(png, TestSupport.png(160, 112, 3));
        driver.get("http://127.0.0.1:" + server.port() + "/");
        assertEquals("AEIC — learned image compression", driver.getTitle());
        new Select(driver.findElement(By.id("quality"))).selectByValue("3");
        driver.findElement(By.id("file")).sendKeys(png.toString());
        awaitResult();

        assertEquals("160 × 112", text("original-dims"));
        long aeicBytes = Long.parseLong(text("aeic-bytes"));
        long jpegBytes = Long.parseLong(text("jpeg-bytes"));
        assertTrue(aeicBytes > 0);
        assertEquals(aeicBytes * 8.0 / (160 * 112), Double.parseDouble(text("aeic-bpp")), 1e-3);
        double aeicPsnr = Double.parseDouble(text("aeic-psnr"));
        if (!text("jpeg-note").contains("larger")) {
            assertTrue(jpegBytes <= aeicBytes, jpegBytes + " > " + aeicBytes);
        }
        assertTrue(Double.parseDouble(text("jpeg-psnr")) > 5);

        // the three pictures are shown at the image's size
        JavascriptExecutor js = (JavascriptExecutor) driver;
        for (String img : List.of("original-img", "aeic-img", "jpeg-img")) {
            Object w = js.executeScript("const i = document.getElementById(arguments[0]);"
                    + " return i.complete ? i.naturalWidth : -1;", img);
            assertEquals(160L, ((Number) w).longValue(), img);
        }

        // the download is the .aeic stream itself
        var link = driver.findElement(By.id("download"));
        assertEquals("photo.aeic", link.getDomProperty("download"));
        assertTrue(link.getDomProperty("href").startsWith("blob:"));
        @SuppressWarnings("unchecked")
        List<Number> got = (List<Number>) js.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(document.getElementById('download').href).then(r => r.arrayBuffer())"
                        + ".then(b => done(Array.from(new Uint8Array(b))));");
        byte[] stream = new byte[got.size()];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = (byte) got.get(i).intValue();
        }
        assertEquals(aeicBytes, stream.length);
        assertArrayEquals(Coding.AEIC_MAGIC, Arrays.copyOf(stream, 8));

        // the page's PSNR is the PSNR of that stream's reconstruction against the original
        BufferedImage original = ImageIO.read(png.toFile());
        BufferedImage decoded = new AeicDecoder(DecodeOptions.defaults()).decode(stream).toBufferedImage();
        assertEquals(psnr(original, decoded), aeicPsnr, 0.01);

        Files.write(Path.of("target", "page-screenshot.png"),
                ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    static double psnr(BufferedImage a, BufferedImage b) {
        double se = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) {
                    int d = ((p >> s) & 255) - ((q >> s) & 255);
                    se += d * d;
                }
            }
        }
        return 10 * Math.log10(255.0 * 255.0 / (se / (3.0 * a.getWidth() * a.getHeight())));
    }

    @Test
    void keepAnImageInTheStoreAndSeeItInTheGallery() throws Exception {
        Path png = work.resolve("kept.png");
        Files.write(png, TestSupport.png(180, 120, 21));
        driver.get("http://127.0.0.1:" + server.port() + "/");
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.findElement(By.id("store")).isDisplayed());
        assertTrue(driver.findElement(By.id("token-label")).isDisplayed(), "the server asks for a token");
        driver.findElement(By.id("file")).sendKeys(png.toString());
        awaitResult();
        // without the token: the server's 401 is shown
        driver.findElement(By.id("keep")).click();
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d ->
                "error".equals(d.findElement(By.id("store-status")).getDomAttribute("data-state")));
        assertTrue(text("store-status").startsWith("401"), text("store-status"));
        driver.findElement(By.id("token")).sendKeys(TOKEN);
        driver.findElement(By.id("keep")).click();
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d ->
                "done".equals(d.findElement(By.id("store-status")).getDomAttribute("data-state")));
        assertTrue(text("store-status").contains("% smaller than the upload"), text("store-status"));
        // the card's thumbnail is a JPEG the server scaled down to fit 360 px wide: here, the image's own size
        JavascriptExecutor js = (JavascriptExecutor) driver;
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> ((Number) js.executeScript(
                "const i = document.querySelector('#gallery li img'); return i && i.complete ? i.naturalWidth : 0;"))
                .longValue() > 0);
        assertEquals(180L, ((Number) js.executeScript(
                "return document.querySelector('#gallery li img').naturalWidth;")).longValue());
        String cardText = driver.findElement(By.cssSelector("#gallery li")).getText();
        assertTrue(cardText.contains("180 × 120") && cardText.contains("% smaller"), cardText);
        Files.write(Path.of("target", "page-gallery-screenshot.png"),
                ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void dropAnImageAndSeeErrors() {
        driver.get("http://127.0.0.1:" + server.port() + "/");
        JavascriptExecutor js = (JavascriptExecutor) driver;
        // a drop of a picture the page paints itself
        js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const c = document.createElement('canvas'); c.width = 96; c.height = 64;"
                + "const g = c.getContext('2d'); const gr = g.createLinearGradient(0, 0, 96, 64);"
                + "gr.addColorStop(0, '#c33'); gr.addColorStop(1, '#39c'); g.fillStyle = gr; g.fillRect(0, 0, 96, 64);"
                + "c.toBlob(b => { const dt = new DataTransfer();"
                + "  dt.items.add(new File([b], 'dropped.png', {type: 'image/png'}));"
                + "  document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt,"
                + "    bubbles: true, cancelable: true})); done(); }, 'image/png');");
        awaitResult();
        assertEquals("96 × 64", text("original-dims"));
        assertEquals("dropped.aeic", driver.findElement(By.id("download")).getDomProperty("download"));

        // not an image: the server's problem detail is shown
        js.executeScript("const dt = new DataTransfer();"
                + "dt.items.add(new File(['hello'], 'notes.txt', {type: 'text/plain'}));"
                + "document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt,"
                + "  bubbles: true, cancelable: true}));");
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d ->
                "error".equals(d.findElement(By.id("status")).getDomAttribute("data-state")));
        assertTrue(text("status").startsWith("415"), text("status"));
    }
}
