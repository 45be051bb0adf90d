// Command ferretdb-embedded runs FerretDB 1.24 with the SQLite backend for Datacoop's embedded mode and tests.
//
// It listens on 127.0.0.1 (port 0 picks a free one), stores data in -dir, prints one line
// "READY mongodb://127.0.0.1:PORT/" on stdout when it accepts connections, and stops cleanly on SIGTERM/SIGINT.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dir := flag.String("dir", "", "directory for the SQLite files (required)")
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0 picks a free port)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatalf("cannot create data directory: %v", err)
	}

	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	if *port == 0 {
		// Reserve a free port, then hand it to FerretDB; the gap is tiny and we retry on the Node side.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatalf("cannot find a free port: %v", err)
		}
		addr = l.Addr().String()
		_ = l.Close()
	}

	// Only warnings and errors: FerretDB logs every connection at INFO, which drowns the service's own log.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		log.Fatalf("cannot configure FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// Wait until the listener accepts connections before announcing readiness.
	for {
		select {
		case err := <-done:
			log.Fatalf("FerretDB stopped before it was ready: %v", err)
		default:
		}
		c, err := net.Dial("tcp", addr)
		if err == nil {
			_ = c.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Printf("READY mongodb://%s/\n", addr)

	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("FerretDB stopped: %v", err)
	}
}
