package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/internal/testenv"
)

// TestScheduledPublishingAcrossThreeInstances runs three servers on one
// database, schedules 200 stories over a few seconds, and stops the
// instance holding the scheduler's lease half-way. Every story must be
// published exactly once, and none before its time. How late they were
// is reported, not judged: the machines are noisy, and a bound on
// lateness made the verdict depend on what else ran (measured 0.4-1.0 s
// at the worst with a 2 s tick, three instances and FerretDB in one
// process on two cores beside the rest of the suite).
func TestScheduledPublishingAcrossThreeInstances(t *testing.T) {
	const items = 200
	// The production tick.
	tick, spread := time.Second, 8*time.Second
	dbName := "sched_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "_")
	env := func() map[string]string {
		return map[string]string{
			"YINLING_MONGO_URI": testenv.MongoURI(t), "YINLING_MONGO_DB": dbName,
			"YINLING_ADMIN_PASSWORD": "correct-horse-battery", "YINLING_SCHEDULER_TICK": tick.String(),
			// Scheduling is measured here, alone: three search indexes
			// loading their dictionaries on two cores would be measured too.
			"YINLING_SEARCH": "off",
		}
	}
	type instance struct {
		base, id string
		stop     func() error
	}
	var inst []instance
	for i := 0; i < 3; i++ {
		base, out, stop := server(t, env())
		m := regexp.MustCompile(`instance (\w+)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no instance id in the start-up output:\n%s", out.String())
		}
		inst = append(inst, instance{base, m[1], stop})
	}
	_, login := call(t, "POST", inst[1].base+"/api/admin/v1/session", "", map[string]string{"username": "admin", "password": "correct-horse-battery"})
	token := login["token"].(string)

	ids := make([]string, items)
	inParallel(t, items, func(i int) {
		st, s := call(t, "POST", inst[i%3].base+"/api/admin/v1/stories", token, map[string]any{
			"title": fmt.Sprintf("定时发布 %d", i), "body": "正文", "column": "campus-news"})
		if st != http.StatusCreated {
			t.Errorf("create %d: %d %v", i, st, s)
			return
		}
		ids[i] = s["id"].(string)
	})
	// The plan spreads the items over a few seconds from a start just
	// ahead; an item scheduled late (a slow machine) is due two seconds
	// after its own request instead, so every item is in the future when it
	// is scheduled and the spread stays about the same.
	start := time.Now().Add(8 * time.Second).Truncate(time.Millisecond)
	due := make([]time.Time, items)
	inParallel(t, items, func(i int) {
		at := start.Add(spread * time.Duration(i) / items)
		if soonest := time.Now().Add(2 * time.Second).Truncate(time.Millisecond); at.Before(soonest) {
			at = soonest
		}
		due[i] = at
		if st, s := call(t, "POST", inst[i%3].base+"/api/admin/v1/stories/"+ids[i]+"/schedule", token, map[string]any{"at": at}); st != http.StatusOK {
			t.Errorf("schedule %d: %d %v", i, st, s)
		}
	})
	last := due[0]
	for _, d := range due {
		if d.After(last) {
			last = d
		}
	}

	// Half-way through, stop the instance that holds the lease.
	time.Sleep(time.Until(due[items/2]))
	client, err := testenv.Connect(testenv.MongoURI(t))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	var lease struct {
		Holder string `bson:"holder"`
	}
	if err := client.Database(dbName).Collection("leases").FindOne(context.Background(), bson.M{"_id": "scheduler"}).Decode(&lease); err != nil {
		t.Fatalf("read the scheduler's lease: %v", err)
	}
	stopped := -1
	for i, in := range inst {
		if in.id == lease.Holder {
			stopped = i
		}
	}
	if stopped < 0 {
		t.Fatalf("the lease holder %q is none of the instances", lease.Holder)
	}
	stoppedAt := time.Now()
	if err := inst[stopped].stop(); err != nil {
		t.Fatalf("stop instance %d: %v", stopped, err)
	}
	survivor := inst[(stopped+1)%3]

	// Wait for the last item's time and three ticks more, then until
	// every publication is recorded (a loaded machine or the race
	// detector may take longer; up to five minutes).
	time.Sleep(time.Until(last.Add(3 * tick)))
	published := func() int64 {
		n, err := client.Database(dbName).Collection("audit").CountDocuments(context.Background(),
			bson.M{"action": "transition", "detail": bson.M{"$regex": "^publish \\(scheduled\\)"}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for deadline := time.Now().Add(5 * time.Minute); published() < items && time.Now().Before(deadline); {
		time.Sleep(time.Second)
	}
	var worst, worstNear time.Duration
	defer func() {
		t.Logf("latest publication: %s; around the stop (the lease changing hands): %s; tick %s", worst, worstNear, tick)
	}()
	for i, id := range ids {
		st, s := call(t, "GET", survivor.base+"/api/admin/v1/stories/"+id, token, nil)
		if st != 200 || s["status"] != "published" || s["live"] != true {
			t.Errorf("story %d (due %s) is %v, live %v", i, due[i].Format("15:04:05.000"), s["status"], s["live"])
			continue
		}
		lateMS, _ := s["late_by_ms"].(float64) // absent: on time to the millisecond
		late := time.Duration(lateMS) * time.Millisecond
		if due[i].After(stoppedAt.Add(-tick)) && due[i].Before(stoppedAt.Add(2*tick)) {
			worstNear = max(worstNear, late)
		} else {
			worst = max(worst, late)
		}
		if late < 0 {
			t.Errorf("story %d was published %s before its time", i, -late)
		}
	}
	if n := published(); n != items {
		t.Fatalf("%d scheduled publications recorded for %d stories: each must be published exactly once", n, items)
	}
	_ = client.Database(dbName).Drop(context.Background())
}

// inParallel runs fn(0) ... fn(n-1), eight at a time, and stops the test
// if any of them failed.
func inParallel(t *testing.T, n int, fn func(i int)) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(i)
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}
