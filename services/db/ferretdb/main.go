// Command ferretdb-embedded runs FerretDB 1.24 with the SQLite backend for Datacoop's embedded mode and tests.
//
// It listens on 127.0.0.1 (port 0 picks a free one), stores data in -dir, prints one line
// "READY mongodb://127.0.0.1:PORT/" on stdout when it accepts connections, and stops cleanly on SIGTERM/SIGINT.
//
// Its lifetime is tied to the process that started it: with -watch-stdin it exits as soon as its standard input
// reaches end of file, which happens when the parent closes the pipe or dies in any way (SIGKILL included), so no
// server is ever left behind holding the data files. It holds an exclusive flock on -dir/ferretdb.lock while it
// runs (the pid is written there for the message); the kernel drops the lock when the process ends, however it
// ends, so a crash never leaves a stale lock. A second server on the same directory exits at once with code 3 and
// a "LOCKED" line on stderr.
//
// With -backup-to it serves nothing: it copies every database file of -dir into that directory with SQLite's
// `VACUUM INTO` (one read transaction, so the copy is consistent even while a server writes), counts the documents
// of each collection in the copy, and prints the result as one JSON line on stdout.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite"
)

// lockedExitCode tells the launcher that another server holds the data directory.
const lockedExitCode = 3

func main() {
	dir := flag.String("dir", "", "directory for the SQLite files (required)")
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0 picks a free port)")
	watchStdin := flag.Bool("watch-stdin", false, "exit when standard input reaches end of file (the parent is gone)")
	backupTo := flag.String("backup-to", "", "copy the database files into this (new) directory and exit")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	if *backupTo != "" {
		if err := backup(*dir, *backupTo); err != nil {
			log.Fatalf("backup failed: %v", err)
		}
		return
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatalf("cannot create data directory: %v", err)
	}
	lock, err := lockDir(*dir)
	if err != nil {
		log.Fatalf("cannot lock the data directory: %v", err)
	}
	defer lock.Close()

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
	if *watchStdin {
		// Nothing is ever written to the pipe; a read returns only when the parent's end is closed.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// Wait until the listener accepts connections before announcing readiness.
	for {
		select {
		case err := <-done:
			if ctx.Err() != nil {
				return // stopped (signal or parent gone) before it was ready
			}
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

	// Run returns once the listener and every connection are closed and the SQLite pool is shut down.
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("FerretDB stopped: %v", err)
	}
}

// lockDir takes the exclusive lock of the data directory, or exits with lockedExitCode naming the holder.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "ferretdb.lock")
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder, _ := io.ReadAll(file)
			pid := strings.TrimSpace(string(holder))
			if _, convErr := strconv.Atoi(pid); convErr != nil {
				pid = "unknown"
			}
			abs, _ := filepath.Abs(dir)
			fmt.Fprintf(os.Stderr, "LOCKED pid=%s dir=%s\n", pid, abs)
			os.Exit(lockedExitCode)
		}
		return nil, err
	}
	if err := file.Truncate(0); err != nil {
		return nil, err
	}
	if _, err := file.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		return nil, err
	}
	return file, nil
}

type backupFile struct {
	Name        string           `json:"name"`
	Collections map[string]int64 `json:"collections"`
}

// backup copies each database file of dir into out with VACUUM INTO and reports the collections of each copy.
func backup(dir, out string) error {
	if err := os.MkdirAll(out, 0o700); err != nil {
		return err
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return err
	}
	files := []backupFile{}
	for _, source := range names {
		name := filepath.Base(source)
		target := filepath.Join(out, name)
		if _, err := os.Stat(target); err == nil {
			return fmt.Errorf("%s already exists", target)
		}
		if err := vacuumInto(source, target); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		collections, err := countCollections(target)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		files = append(files, backupFile{Name: name, Collections: collections})
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"files": files})
}

func vacuumInto(source, target string) error {
	// Waits (rather than fails) while a server holds a lock; in WAL mode a reader never blocks the server's writers.
	// Not mode=ro: a read-only connection cannot open a WAL database whose -shm file does not exist yet.
	db, err := sql.Open("sqlite", "file:"+source+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec("VACUUM INTO ?", target)
	return err
}

func countCollections(path string) (map[string]int64, error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name, table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return nil, err
	}
	type collection struct{ name, table string }
	var list []collection
	for rows.Next() {
		var c collection
		if err := rows.Scan(&c.name, &c.table); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, c := range list {
		var n int64
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM %q", c.table)).Scan(&n); err != nil {
			return nil, err
		}
		counts[c.name] = n
	}
	return counts, nil
}
