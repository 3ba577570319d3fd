package fakemisp

import "fmt"

// kind describes one kind of stored object (a MISP table) for the Go API and the control API: adding a kind is
// one entry in kinds plus its create, update and view functions.
type kind struct {
	plural string // the control API's path segment: /_mispfake/{plural}[/{id}]
	noun   string // in error messages
	table  *table
	rows   func(st *state) map[int64]row
	nextID func(st *state) *int64
	// create fills a new row (its id already set) from natural-valued fields and checks it; extra is what the
	// creation answers besides the id (a user's first API key).
	create func(s *Server, r row, f map[string]any) (extra map[string]any, err error)
	// update writes natural-valued fields into a copy of the stored row.
	update func(s *Server, r row, f map[string]any) error
	// deletable, if set, refuses a deletion MISP would refuse.
	deletable func(s *Server, r row) error
	// deleted, if set, removes what MISP deletes with the row (its dependent associations).
	deleted func(s *Server, r row)
	// index, if set, keeps a lookup derived from the rows in step (the auth keys' start and end index): it is
	// called with stored true once a row is stored, with false once it is removed.
	index func(st *state, r row, stored bool)
	// view renders a row as plain Go values (ids as strings, tinyint columns as bools).
	view func(s *Server, r row) map[string]any
}

var (
	userKind = &kind{
		plural: "users", noun: "user", table: usersTable,
		rows:   func(st *state) map[int64]row { return st.users },
		nextID: func(st *state) *int64 { return &st.nextUser },
		create: (*Server).createUserRow,
		update: func(s *Server, u row, f map[string]any) error {
			if err := s.applyUserFields(u, f); err != nil {
				return err
			}
			u["date_modified"] = s.now().Unix()
			return nil
		},
		view: (*Server).userMap,
	}
	orgKind = &kind{
		plural: "organisations", noun: "organisation", table: orgsTable,
		rows:   func(st *state) map[int64]row { return st.orgs },
		nextID: func(st *state) *int64 { return &st.nextOrg },
		create: func(s *Server, o row, f map[string]any) (map[string]any, error) {
			if !phpIsset(f, "local") {
				f["local"] = true
			}
			if !phpIsset(f, "created_by") {
				f["created_by"] = int64(1)
			}
			return nil, s.applyOrgFields(o, f, true)
		},
		update: func(s *Server, o row, f map[string]any) error { return s.applyOrgFields(o, f, false) },
		deletable: func(s *Server, o row) error {
			if s.userCount(o.id()) != "0" {
				return ErrOrganisationInUse
			}
			return nil
		},
		deleted: func(s *Server, o row) { s.dropOrgMemberships(o.id()) },
		view:    (*Server).orgMap,
	}
	roleKind = &kind{
		plural: "roles", noun: "role", table: rolesTable,
		rows:   func(st *state) map[int64]row { return st.roles },
		nextID: func(st *state) *int64 { return &st.nextRole },
		create: func(s *Server, r row, f map[string]any) (map[string]any, error) {
			return nil, s.applyRoleFields(r, f, true)
		},
		update: func(s *Server, r row, f map[string]any) error { return s.applyRoleFields(r, f, false) },
		view:   (*Server).roleMap,
	}
	// kinds is every kind the Go API and the control API serve.
	kinds = []*kind{userKind, orgKind, roleKind, sgKind, userSettingKind, authKeyKind}
)

// mutate runs fn under the write lock. When fn reports a change, OnChange is called once the lock is released
// (OnChange may read the data). Every change of the stored data goes through here.
func (s *Server) mutate(fn func() (changed bool)) {
	changed := false
	defer func() {
		if changed {
			s.notify()
		}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	changed = fn()
}

// write is mutate for a change that either happens completely or fails with an error.
func (s *Server) write(fn func() error) error {
	var err error
	s.mutate(func() bool {
		err = fn()
		return err == nil
	})
	return err
}

// read runs fn under the read lock and returns its result.
func read[T any](s *Server, fn func() T) T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn()
}

// byID finds a stored row by its id string. Callers hold s.mu.
func (s *Server) byID(k *kind, id string) (row, error) {
	n, ok := parseID(id)
	if !ok || k.rows(s.st)[n] == nil {
		return nil, fmt.Errorf("%s %s: %w", k.noun, id, ErrNotFound)
	}
	return k.rows(s.st)[n], nil
}

// newObject is an empty row of kind k with the next free id; insert stores it. Callers hold the write lock.
func (s *Server) newObject(k *kind) row { return s.st.newObject(k) }

// insert stores a row made by newObject and uses up its id. Callers hold the write lock.
func (s *Server) insert(k *kind, r row) { s.st.insert(k, r) }

// newObject is an empty row of kind k with the next free id of st.
func (st *state) newObject(k *kind) row {
	r := k.table.newRow()
	r["id"] = *k.nextID(st)
	return r
}

// insert stores a row made by newObject in st and uses up its id.
func (st *state) insert(k *kind, r row) {
	*k.nextID(st)++
	k.rows(st)[r.id()] = r
	if k.index != nil {
		k.index(st, r, true)
	}
}

// remove deletes a stored row from st (not what MISP deletes with it: see kind.deleted).
func (st *state) remove(k *kind, r row) {
	delete(k.rows(st), r.id())
	if k.index != nil {
		k.index(st, r, false)
	}
}

// replace stores a changed copy of a stored row in its place.
func (st *state) replace(k *kind, old, updated row) {
	if k.index != nil {
		k.index(st, old, false)
	}
	k.rows(st)[updated.id()] = updated
	if k.index != nil {
		k.index(st, updated, true)
	}
}

// createObject stores a new object of kind k and returns its id and the kind's extra answer.
func (s *Server) createObject(k *kind, fields map[string]any) (id string, extra map[string]any, err error) {
	f := normalise(fields)
	err = s.write(func() error {
		r := s.newObject(k)
		x, err := k.create(s, r, f)
		if err != nil {
			return fmt.Errorf("create %s: %w", k.noun, err)
		}
		s.insert(k, r)
		id, extra = itoa(r.id()), x
		return nil
	})
	return id, extra, err
}

// updateObject changes fields of an object; on error nothing changes.
func (s *Server) updateObject(k *kind, id string, fields map[string]any) error {
	f := normalise(fields)
	return s.write(func() error {
		r, err := s.byID(k, id)
		if err != nil {
			return fmt.Errorf("update %s: %w", k.noun, err)
		}
		updated := r.clone()
		if err := k.update(s, updated, f); err != nil {
			return fmt.Errorf("update %s %s: %w", k.noun, id, err)
		}
		s.st.replace(k, r, updated)
		return nil
	})
}

// deleteObject hard-deletes an object (unless the kind refuses).
func (s *Server) deleteObject(k *kind, id string) error {
	return s.write(func() error {
		r, err := s.byID(k, id)
		if err == nil && k.deletable != nil {
			if err = k.deletable(s, r); err != nil {
				err = fmt.Errorf("%s %s: %w", k.noun, id, err)
			}
		}
		if err != nil {
			return fmt.Errorf("delete %s: %w", k.noun, err)
		}
		s.st.remove(k, r)
		if k.deleted != nil {
			k.deleted(s, r)
		}
		return nil
	})
}

// object renders one object of kind k.
func (s *Server) object(k *kind, id string) (map[string]any, bool) {
	m := read(s, func() map[string]any {
		r, err := s.byID(k, id)
		if err != nil {
			return nil
		}
		return k.view(s, r)
	})
	return m, m != nil
}

// objects renders every object of kind k, by id.
func (s *Server) objects(k *kind) []map[string]any {
	return read(s, func() []map[string]any {
		rows := k.rows(s.st)
		out := []map[string]any{}
		for _, id := range sortedIDs(rows) {
			out = append(out, k.view(s, rows[id]))
		}
		return out
	})
}
