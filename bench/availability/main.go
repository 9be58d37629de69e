// Availability client for bench/availability.sh: N clients with etcd's own Go client (clientv3 3.4)
// over all endpoints, each alternating a linearizable read and a put of a unique key, for a fixed
// time. Prints completed and failed operations. Not a test: nothing is asserted.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/clientv3"
)

func main() {
	endpoints := flag.String("endpoints", "127.0.0.1:2379", "comma-separated client endpoints")
	clients := flag.Int("clients", 6, "concurrent clients, each with its own connection")
	duration := flag.Duration("duration", 30*time.Second, "how long to run")
	timeout := flag.Duration("request-timeout", 2*time.Second, "deadline of each request")
	prefix := flag.String("prefix", "avail", "key prefix")
	flag.Parse()

	var ok, failed, reads, puts int64
	// Completed operations in each second of the run: where the faults cost time.
	perSecond := make([]int64, int(duration.Seconds())+2)
	start := time.Now()
	var mu sync.Mutex
	errorsSeen := map[string]int{}
	deadline := time.Now().Add(*duration)
	var wg sync.WaitGroup
	for i := 0; i < *clients; i++ {
		c, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(*endpoints, ","), DialTimeout: 2 * time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, "availability: cannot create client:", err)
			os.Exit(1)
		}
		defer c.Close()
		wg.Add(1)
		go func(id int, c *clientv3.Client) {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				ctx, cancel := context.WithTimeout(context.Background(), *timeout)
				var err error
				if n%2 == 0 {
					_, err = c.Get(ctx, fmt.Sprintf("%s/%d/%d", *prefix, id, n-1))
					if err == nil {
						atomic.AddInt64(&reads, 1)
					}
				} else {
					_, err = c.Put(ctx, fmt.Sprintf("%s/%d/%d", *prefix, id, n), "v")
					if err == nil {
						atomic.AddInt64(&puts, 1)
					}
				}
				cancel()
				if err == nil {
					atomic.AddInt64(&ok, 1)
					if sec := int(time.Since(start).Seconds()); sec < len(perSecond) {
						atomic.AddInt64(&perSecond[sec], 1)
					}
				} else {
					atomic.AddInt64(&failed, 1)
					mu.Lock()
					errorsSeen[err.Error()]++
					mu.Unlock()
				}
			}
		}(i, c)
	}
	wg.Wait()
	fmt.Printf("completed %d (reads %d, puts %d) failed %d in %s\n", ok, reads, puts, failed, *duration)
	fmt.Fprint(os.Stderr, "  completed per second:")
	for _, n := range perSecond[:int(duration.Seconds())] {
		fmt.Fprintf(os.Stderr, " %d", n)
	}
	fmt.Fprintln(os.Stderr)
	for e, n := range errorsSeen {
		fmt.Fprintf(os.Stderr, "  %5d x %s\n", n, e)
	}
}
