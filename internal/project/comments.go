package project

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Comment is a note on a task [bình luận], possibly mentioning members of
// its project, who are notified.
type Comment struct {
	ID         string       `json:"id"`
	TaskID     string       `json:"task_id"`
	Body       string       `json:"body"`
	MentionIDs []string     `json:"mention_ids"`
	Author     domain.Actor `json:"author"`
	At         time.Time    `json:"at"`
}

// CommentInput is a new comment: its text and the members it mentions
// (by user id; a client shows them as it likes).
type CommentInput struct {
	Body       *string
	MentionIDs *[]string
}

// Limits of a comment.
const (
	maxComment  = 5000
	maxMentions = 50
)

// ParseCommentInput reads a comment body strictly.
func ParseCommentInput(raw []byte) (*CommentInput, error) {
	in := &CommentInput{}
	err := jsonin.Read(raw, map[string]jsonin.Reader{
		"body":        jsonin.Value(&in.Body, "expected_text"),
		"mention_ids": jsonin.Value(&in.MentionIDs, "expected_text_list"),
	}, "id", "task_id", "author", "at")
	if err != nil {
		return nil, err
	}
	return in, nil
}

// AddComment writes a comment on a task: a member or an admin. It moves
// the task's version, is an entry of its history and notifies the members
// it mentions, all in one transaction.
func (s *Service) AddComment(ctx context.Context, c *workspace.Caller, taskID string, in *CommentInput) (*Comment, error) {
	var cm *Comment
	_, err := s.change(ctx, c, taskID, nil, func(p *Project, _, t *Task) ([]store.TxOp, error) {
		var pr domain.Problems
		body := ""
		if in.Body != nil {
			body = *in.Body
		}
		body = check.Lines(&pr, "body", body, maxComment, true)
		mentions := []string{}
		if in.MentionIDs != nil {
			for i, id := range *in.MentionIDs {
				id = strings.TrimSpace(id)
				if id == "" || slices.Contains(mentions, id) {
					continue
				}
				member(c.Org, p, &pr, check.Index("mention_ids", i), id)
				mentions = append(mentions, id)
			}
			if len(mentions) > maxMentions {
				pr.Add("mention_ids", "too_many", "max", fmt.Sprint(maxMentions))
			}
		}
		if err := pr.Err(); err != nil {
			return nil, err
		}
		cm = &Comment{ID: fmt.Sprintf("cmt_%s_%d", t.ID, t.Version), TaskID: t.ID, Body: body, MentionIDs: mentions,
			Author: c.Actor(), At: t.UpdatedAt}
		ops := []store.TxOp{store.TxPut(store.Item{Key: commentKey(t.TenantID, t.ID, t.Version), Type: typeComment,
			Version: 1, Doc: store.Doc(cm)}, store.NotExist)}
		ops = append(ops, historyOps(t, []Entry{{At: t.UpdatedAt, Actor: c.Actor(), Action: ActionComment,
			Changes: []domain.FieldChange{{Field: "comment", Before: nil, After: body}}}})...)
		return append(ops, notifyOps(c.Org, t, c.Actor(), KindMention, mentions)...), nil
	})
	if err != nil {
		return nil, err
	}
	return cm, nil
}

// Comments returns a page of a task's comments, oldest first.
func (s *Service) Comments(ctx context.Context, c *workspace.Caller, taskID string, limit int, cursor string) (*domain.Page[Comment], error) {
	t, _, err := s.visibleTask(ctx, c, taskID)
	if err != nil {
		return nil, err
	}
	page, err := readPage[Comment](ctx, s.st, taskPK(t.TenantID, t.ID), "C#", limit, cursor)
	if err != nil {
		return nil, err
	}
	for i := range page.Items {
		if page.Items[i].MentionIDs == nil {
			page.Items[i].MentionIDs = []string{}
		}
	}
	return page, nil
}
